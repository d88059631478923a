"""What is on the account and ours: the observed types (``observed``), reading them from a backend
(``observe``), and the account lease an apply holds (``lease``)."""
