"""Chat platforms: each adapter turns its updates into neutral ones and renders replies."""
