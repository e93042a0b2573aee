// Nothing!
