# The import ID is the name of an installed package. An imported package
# counts as installed before spice: destroy leaves it installed.
terraform import spice_package.git git
