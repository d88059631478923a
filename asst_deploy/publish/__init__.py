"""Publishing what was deployed for services outside the project (README: Sharing ids with other
teams): the document (``document.py``), where it goes (``destinations.py``), which destinations
still owe the current document (``record.py``), and the run that ties them (``run.py``)."""
