"""The participants panel (shown in the meetings screen): list, form and erasure."""
