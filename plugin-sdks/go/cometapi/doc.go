// Manage CometAPI (and any new-api based gateway) API keys.
package cometapi
