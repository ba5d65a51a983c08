"""SparseSeg training and ONNX export (PyTorch). The product never imports this."""
