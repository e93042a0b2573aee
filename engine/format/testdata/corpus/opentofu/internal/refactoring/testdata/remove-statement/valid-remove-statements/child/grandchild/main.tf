removed {
  from = foo.removed_resource_from_grandchild_module
}

removed {
  from = module.removed_module_from_grandchild_module
}