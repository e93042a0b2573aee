# The import ID is the user name.
terraform import spice_user.spice spice
