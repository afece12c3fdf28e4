"""Fichier › Sauvegarder la campagne… and Restaurer… (`dialogs`)."""
