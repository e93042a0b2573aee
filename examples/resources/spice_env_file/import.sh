# The import ID is the file's absolute path. Every imported value lands in
# `sensitive_variables` so that none is printed; the first plan then moves
# the non-secret ones to `variables` without rewriting the file.
terraform import spice_env_file.app /opt/spice-harvester/.env

# With generated_secrets, name them after a `#`: their values stay on the
# host as they are (adopted, never read into the state), only their keyed
# hashes are recorded.
terraform import spice_env_file.worker '/opt/spice-harvester/worker.env#SESSION_KEY,WEBHOOK_TOKEN'
