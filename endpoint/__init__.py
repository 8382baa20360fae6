"""The Rally'nov endpoint: the store seam, the command line and the Flask application."""
