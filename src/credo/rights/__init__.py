"""What every subject can do about what credo holds: disputes, statements, reviews, retention."""
