"""What the browser tests ask axe-core to check: WCAG 2.2 level AA and everything below it."""

WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
