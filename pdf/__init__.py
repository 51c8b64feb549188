"""Official documents rendered as PDF with xhtml2pdf (foaia matricolă, catalogul clasei, condica
de prezență, situația școlară). Not built yet: see the documents issue."""
