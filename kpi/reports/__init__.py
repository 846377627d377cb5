"""Reports: PDF, XLSX and PNG of the progress, and the 工程表 as the city hands it out."""

from reportlab import rl_config

# Set before reportlab.graphics.shapes is first imported (it reads this once): the drawings are
# made by our code and by svglib, not typed by hand, and reportlab's check of every attribute
# set on a shape (a development aid, on by default) took a sixth of a 60-chart PDF's time.
rl_config.shapeChecking = 0
