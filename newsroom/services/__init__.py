"""The domain: plain functions with explicit inputs. They add and flush, never commit."""
