# The host is the provider's; any import ID will do, by convention its
# hostname. The facts are read on import; declare the requirements in the
# configuration afterwards.
terraform import spice_host.oms oms1
