"""Alert subscriptions: matching, dispatch and delivery channels."""
