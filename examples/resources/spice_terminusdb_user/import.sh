# The import ID is the user name. The password is not read back: the next
# apply sets the one configured.
terraform import spice_terminusdb_user.oms oms
