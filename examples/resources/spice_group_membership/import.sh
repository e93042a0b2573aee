# The import ID is USER:GROUP.
terraform import spice_group_membership.deploy_docker deploy:docker
