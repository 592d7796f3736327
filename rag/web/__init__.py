"""Services behind the web app: staff library, feedback, staff login, chat rendering."""
