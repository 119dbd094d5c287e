"""The public register of organisations: credit grades, safety ratings, appeals, open data."""
