"""Views of the reports app: parse input, call a service, render."""
