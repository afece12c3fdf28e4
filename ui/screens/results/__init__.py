"""The Résultats screen and its votes chart."""
