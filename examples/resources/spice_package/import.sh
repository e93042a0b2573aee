# The import ID is the name of an installed package. An imported package
# counts as installed before spice: destroy leaves it installed. The host
# does not record update_cache_max_age: the first apply after an import
# only sets it in the state.
terraform import spice_package.git git
