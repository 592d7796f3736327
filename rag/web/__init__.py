"""Web services: the staff library, feedback, staff login and chat rendering."""
