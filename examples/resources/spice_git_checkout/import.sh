# The import ID is the path of a checkout spice_git_checkout made (its
# repository and ref are recorded in PATH.git).
terraform import spice_git_checkout.app /opt/spice-harvester/src
