"""Billing: price book, quotes from demo runs, invoices, payments, plan gates, reconciliation.

Other code calls :func:`quote_demo` (the ``quote_run`` hook), :func:`authorize` (the
``authorize_run`` hook), :func:`metered_actuals` and :func:`load_pricebook`.
"""

from .gates import authorize
from .metering import metered_actuals, option_usage
from .pricebook import load_pricebook
from .quotes import Pricing, price
from .runs import quote_demo

__all__ = ["Pricing", "authorize", "load_pricebook", "metered_actuals", "option_usage", "price",
           "quote_demo"]
