module "vault" {
    source = "hashicorp/vault/aws"
}
