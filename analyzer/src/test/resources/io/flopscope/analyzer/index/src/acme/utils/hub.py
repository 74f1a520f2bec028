class HubMixin:
    def push_to_hub(self):
        pass
