"""The public portal (信用门户): what companies, citizens and journalists see."""
