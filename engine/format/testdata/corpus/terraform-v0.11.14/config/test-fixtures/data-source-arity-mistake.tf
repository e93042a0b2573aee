# I forgot the data source name!
data "null" {
}
