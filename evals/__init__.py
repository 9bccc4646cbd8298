"""Offline evaluations: score drafted canvases against example ecosystems with gold answers."""
