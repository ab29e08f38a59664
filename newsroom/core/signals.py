"""What one area announces and another acts on, so no two areas call each other both ways."""

from blinker import Namespace

_signals = Namespace()

# A Digital+ period was added: sent with the Subscription row as sender, and `session`, `now`.
digital_plus_started = _signals.signal("digital-plus-started")
