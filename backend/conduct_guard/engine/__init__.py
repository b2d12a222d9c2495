"""Text to scores: sentence chunks (segment), token ids (tokenize), the ONNX session (session),
probabilities per chunk and post (scoring), evidence with spans (explain), the model's metadata
(modelinfo)."""
