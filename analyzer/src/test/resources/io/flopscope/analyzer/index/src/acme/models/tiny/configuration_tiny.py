class TinyConfig:
    attribute_map = {"n_embd": "hidden_size"}

    def __init__(self, hidden_size=64, n_layer=2, activation_function="gelu_new", **kwargs):
        self.hidden_size = hidden_size
        self.n_layer = n_layer
        self.activation_function = activation_function
