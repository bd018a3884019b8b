"""Is a change a 重要な変更? Rules, exemptions, trailers, and the one loop that applies them."""
