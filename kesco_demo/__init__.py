"""Demo and test scaffolding kept out of the product: the demo consumer generator and the scripted
tours of the window. Neither the counter's installer nor the server's install carries it."""
