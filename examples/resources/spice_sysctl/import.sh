# The import ID is the sysctl name. The value is read from the running
# kernel; file is the default /etc/sysctl.d/60-spice-NAME.conf, and
# original_value stays empty (nothing is known about the value before).
terraform import spice_sysctl.somaxconn net.core.somaxconn
