"""Everything that touches a network or a process: settings, composition root, CLI, channels."""
