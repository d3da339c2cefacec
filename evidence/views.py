"""Views of the evidence app: parse input, call a service, render."""
