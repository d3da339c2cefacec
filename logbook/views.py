"""Views of the logbook app: parse input, call a service, render."""
