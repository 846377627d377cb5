"""Reports: PDF, XLSX and PNG of the progress, and the 工程表 as the city hands it out."""
