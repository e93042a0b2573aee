# The import ID is the file's absolute path. Every imported value lands in
# `sensitive_variables` so that none is printed; the first plan then moves
# the non-secret ones to `variables` without rewriting the file.
terraform import spice_env_file.app /opt/spice-harvester/.env
