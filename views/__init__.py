"""Screens: Flask-Admin views, teacher/parent pages and the API."""
