"""Text as the documents write it: the comparison key, 和暦 dates, decoding."""
