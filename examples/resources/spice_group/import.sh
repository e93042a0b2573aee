# The import ID is the group name.
terraform import spice_group.spice spice
