"""Reading files into pages and chunks: loaders, Thai header clean-up, chunking, the manifest."""
