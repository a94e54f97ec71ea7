"""The App Home tab: what one person sees, rendered and published."""
