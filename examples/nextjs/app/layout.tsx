import type { Metadata } from "next";
import type { ReactNode } from "react";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "stripe-edge shop", template: "%s · stripe-edge shop" },
  description: "A Next.js shop on stripe-edge: Stripe payments and webhooks",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav>
          <a href="/">Shop</a>
          <a href="/checkout">Checkout</a>
          <a href="/subscribe">Subscribe</a>
          <a href="/orders">Orders</a>
        </nav>
        <main>{children}</main>
      </body>
    </html>
  );
}
