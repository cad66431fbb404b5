"""Tools for a developer's machine (``make run``); never part of a deployment."""
