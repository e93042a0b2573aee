# The import ID is the file's absolute path. The content read from the host
# lands in `content`.
terraform import spice_file.oms_config /opt/spice-harvester/config/oms.yml
