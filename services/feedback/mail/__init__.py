"""E-mail intake: reading messages into comments, and the channels that bring them in."""
