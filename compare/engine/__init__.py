"""The Versus alignment engine: plain Python over plain data, no Django."""
